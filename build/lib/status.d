build/lib/status.o: lib/status.c lib/userimp.h
lib/userimp.h:
