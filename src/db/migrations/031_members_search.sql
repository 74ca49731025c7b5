-- Search without access to an article's gated text matches only what anyone may read of it: the
-- headline and the dek (src/articles/queries.ts searchPublished, src/members/access.ts).
ALTER TABLE articles ADD COLUMN search_vector_free tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', headline), 'A') ||
  setweight(to_tsvector('english', dek), 'B')
) STORED;
CREATE INDEX articles_search_free_idx ON articles USING gin (search_vector_free);
