build/lib/numfmt.o: lib/numfmt.c lib/internal.h lib/userimp.h
lib/internal.h:
lib/userimp.h:
