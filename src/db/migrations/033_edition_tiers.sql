-- Every newsletter email gets the version its recipient's access allows (issue 10): the edition is
-- frozen at send time once per access level, not per recipient. rendered_html/rendered_text stay the
-- version for subscribers without an account; this holds the others:
-- {"member": {"html": …, "text": …}, "paid": {"html": …, "text": …}}. NULL (editions frozen before
-- this migration): every recipient gets rendered_html, which carries no gated text.
ALTER TABLE editions ADD COLUMN rendered_tiers jsonb;
