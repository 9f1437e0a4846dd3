build/cmd/cmd.o: cmd/cmd.c cmd/cmd.h lib/userimp.h
cmd/cmd.h:
lib/userimp.h:
