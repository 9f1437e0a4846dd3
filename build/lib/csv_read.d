build/lib/csv_read.o: lib/csv_read.c lib/internal.h lib/userimp.h
lib/internal.h:
lib/userimp.h:
