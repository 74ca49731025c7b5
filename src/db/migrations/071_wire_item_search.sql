-- The wire items' full-text index in a table of its own (issue #12, decision 0075). Giving an item its
-- story, or moving a story's items to another in a merge, is an UPDATE of wire_items that cannot be HOT
-- (story_id is indexed), so every index of the table took a new entry for the row, the full-text GIN
-- index too: a few hundred entries an item, and, since PGlite runs no autovacuum, now and then the
-- statement that found GIN's pending list full moved all of it into the index (30 to 80 ms; the
-- slowest live adds in bench/stories.ts). Here the tsvector and its index live in wire_item_search,
-- kept by a trigger on the columns it is made of: a change of story writes nothing there.
-- src/newswire/items.ts searches through it.
CREATE TABLE wire_item_search (
  item_id bigint PRIMARY KEY REFERENCES wire_items(id) ON DELETE CASCADE,
  search tsvector NOT NULL
);
INSERT INTO wire_item_search (item_id, search) SELECT id, search FROM wire_items;
CREATE INDEX wire_item_search_gin ON wire_item_search USING gin (search);

-- What the generated column computed (migration 040).
CREATE FUNCTION wire_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO wire_item_search (item_id, search)
  VALUES (NEW.id, setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'A') ||
                  setweight(to_tsvector('simple', left(coalesce(NEW.text, NEW.summary, ''), 20000)), 'B'))
  ON CONFLICT (item_id) DO UPDATE SET search = EXCLUDED.search;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER wire_item_search_insert AFTER INSERT ON wire_items
  FOR EACH ROW EXECUTE FUNCTION wire_item_search_sync();
CREATE TRIGGER wire_item_search_update AFTER UPDATE OF title, text, summary ON wire_items
  FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.text IS DISTINCT FROM NEW.text OR OLD.summary IS DISTINCT FROM NEW.summary)
  EXECUTE FUNCTION wire_item_search_sync();

DROP INDEX wire_items_search;
ALTER TABLE wire_items DROP COLUMN search;
