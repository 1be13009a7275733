-- Version 2: a database may be readable without credentials (set through the platform API).
ALTER TABLE databases ADD COLUMN public_read boolean NOT NULL DEFAULT false;
