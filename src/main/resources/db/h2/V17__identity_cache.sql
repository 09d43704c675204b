-- H2 only (quarkus.flyway.locations adds db/<db-kind>): H2 writes an identity column's sequence state to its
-- metadata, in a commit of its own, each time the cached range runs out (32 values by default). On the write path
-- every audit event and every violation draws one value, so with the default range one database commit in a few
-- went to sequence bookkeeping. A larger range makes that rare; a crash loses at most the unused rest of a range
-- (a gap in these surrogate ids, which nothing reads as a count or an order across transactions).
ALTER TABLE audit_event ALTER COLUMN id SET CACHE 10000;
ALTER TABLE violation ALTER COLUMN id SET CACHE 10000;
ALTER TABLE approval_vote ALTER COLUMN id SET CACHE 10000;
ALTER TABLE mail_outbox ALTER COLUMN id SET CACHE 10000;
ALTER TABLE callback_outbox ALTER COLUMN id SET CACHE 10000;
