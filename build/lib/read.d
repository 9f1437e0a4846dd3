build/lib/read.o: lib/read.c lib/internal.h lib/userimp.h
lib/internal.h:
lib/userimp.h:
