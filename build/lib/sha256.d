build/lib/sha256.o: lib/sha256.c lib/internal.h lib/userimp.h
lib/internal.h:
lib/userimp.h:
