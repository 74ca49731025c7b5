-- The live wire's change counter (issue #12). Every write to the assignment of items to stories (a
-- clustering batch, an editor's merge, split or rename) bumps `version` in its own transaction, which
-- also serialises those writes across processes (the row lock). A process whose in-memory clusterer
-- was built at another version rebuilds it from the tables before it clusters again.
CREATE TABLE wire_cluster_state (
  id int PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO wire_cluster_state (id, version) VALUES (1, 0);
