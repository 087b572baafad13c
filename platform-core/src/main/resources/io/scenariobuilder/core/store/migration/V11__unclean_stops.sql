-- How many unclean stops of the server (a crash, kill -9, power loss) found an execution running: at 2 it is not
-- resumed again but failed as crash_suspected, so that one poison execution cannot crash-loop the server.
ALTER TABLE executions ADD COLUMN unclean_stops INTEGER NOT NULL DEFAULT 0;
