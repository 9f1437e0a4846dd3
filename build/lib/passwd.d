build/lib/passwd.o: lib/passwd.c lib/internal.h lib/userimp.h
lib/internal.h:
lib/userimp.h:
