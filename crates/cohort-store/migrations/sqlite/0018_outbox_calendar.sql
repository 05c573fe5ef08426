-- A message may carry a calendar invitation (iTIP text, RFC 5546) that delivery attaches as a
-- text/calendar part, so that a booked, moved or cancelled interview reaches the attendees'
-- calendars. It is written with the message, in the transaction of its cause, like the body.
ALTER TABLE outbox ADD COLUMN calendar TEXT;
