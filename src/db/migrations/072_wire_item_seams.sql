-- Seams (decision 0042, seventh round): an item that joined its story under the clusterer's threshold
-- opened a seam, watched while the story grows, and the clusterer splits the seam's side off on its own
-- when a second subject forms there. The live wire stores each seam (the items its story held before
-- the item) and gives them back to the clusterer when it rebuilds its state on start, so that a
-- restart splits what the uninterrupted process would have. A table of its own: most items have none,
-- and an insert here is cheaper than a second update of the item's row.
CREATE TABLE wire_item_seams (
  item_id bigint PRIMARY KEY REFERENCES wire_items(id) ON DELETE CASCADE,
  pre_item_ids bigint[] NOT NULL
);
