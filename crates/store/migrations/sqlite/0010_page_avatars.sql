-- A page's avatar: a photo cleaned like every other upload, kept in the attachment store under its hash.
ALTER TABLE unit_pages ADD COLUMN avatar_key TEXT;
ALTER TABLE unit_pages ADD COLUMN avatar_kind TEXT;
