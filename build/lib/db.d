build/lib/db.o: lib/db.c lib/internal.h lib/userimp.h
lib/internal.h:
lib/userimp.h:
