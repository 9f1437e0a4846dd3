build/lib/rules.o: lib/rules.c lib/internal.h lib/userimp.h
lib/internal.h:
lib/userimp.h:
