build/userimp.o: cmd/userimp.c cmd/cmd.h lib/userimp.h
cmd/cmd.h:
lib/userimp.h:
