build/lib/util.o: lib/util.c lib/internal.h lib/userimp.h
lib/internal.h:
lib/userimp.h:
