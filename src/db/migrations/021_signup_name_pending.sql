-- A sign-up for an address we already know no longer sets that person's name (issue 9): anyone can
-- type anyone's address, and the name appears in real newsletters' greeting and To: line. The name
-- given waits here; the verification email shows it and carries it in its signed link, and it is
-- applied on confirmation, and only if the person still has no name.
ALTER TABLE people ADD COLUMN signup_name text NOT NULL DEFAULT '';
