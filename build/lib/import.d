build/lib/import.o: lib/import.c lib/internal.h lib/userimp.h
lib/internal.h:
lib/userimp.h:
