-- Uploaded images and the sizes made of them (src/media/images.ts): an upload is kept as it came
-- (/uploads/<hash>.<ext>) and, for the site's responsive srcset, re-encoded as WebP at the widths in
-- `widths` (/uploads/<hash>-<width>.webp), none wider than the original. Pages look images up here by
-- their public path; an image with no row (an upload from before this table) is shown as it is.
CREATE TABLE media_images (
  path text PRIMARY KEY,
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  widths integer[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
