build/cmd/run.o: cmd/run.c cmd/cmd.h lib/userimp.h
cmd/cmd.h:
lib/userimp.h:
