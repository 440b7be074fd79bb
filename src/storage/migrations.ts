/**
 * Schema migrations, applied in order. The database's `user_version` is the
 * number of migrations applied; never edit a migration that has shipped.
 */
export const migrations: string[] = [
  `
  CREATE TABLE deliveries (
    seq INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    type TEXT NOT NULL,
    received_at TEXT NOT NULL,
    size INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    idempotency_key TEXT,
    request_id TEXT
  );
  CREATE INDEX deliveries_by_uid ON deliveries (uid, seq);

  CREATE TABLE idempotency_keys (
    uid TEXT NOT NULL,
    key TEXT NOT NULL,
    delivery_seq INTEGER NOT NULL,
    PRIMARY KEY (uid, key)
  ) WITHOUT ROWID;

  CREATE TABLE memories (
    uid TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    title TEXT,
    overview TEXT,
    emoji TEXT,
    category TEXT,
    source TEXT,
    language TEXT,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (uid, id)
  ) WITHOUT ROWID;
  CREATE INDEX memories_by_created_at ON memories (uid, created_at);

  CREATE TABLE conversation_segments (
    uid TEXT NOT NULL,
    memory_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    segment_id TEXT,
    speaker TEXT,
    speaker_id INTEGER,
    is_user INTEGER,
    person_id TEXT,
    start REAL,
    end REAL,
    text TEXT NOT NULL,
    PRIMARY KEY (uid, memory_id, position)
  ) WITHOUT ROWID;

  CREATE TABLE memory_events (
    seq INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    type TEXT NOT NULL,
    processing_memory_id TEXT,
    memory_id TEXT,
    status TEXT,
    name TEXT,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL
  );
  CREATE INDEX memory_events_by_uid ON memory_events (uid, seq);

  CREATE TABLE live_segments (
    uid TEXT NOT NULL,
    session_id TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    text TEXT NOT NULL,
    speaker TEXT,
    speaker_id INTEGER,
    is_user INTEGER,
    start REAL NOT NULL,
    end REAL NOT NULL,
    confidence REAL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (uid, session_id, segment_id)
  ) WITHOUT ROWID;
  CREATE INDEX live_segments_by_received_at ON live_segments (uid, received_at);

  CREATE TABLE audio_chunks (
    seq INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    received_at TEXT NOT NULL,
    sample_rate INTEGER NOT NULL,
    byte_length INTEGER NOT NULL,
    pcm BLOB NOT NULL
  );
  CREATE INDEX audio_chunks_by_received_at ON audio_chunks (uid, received_at);

  CREATE TABLE day_summaries (
    seq INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    summary_id TEXT,
    date TEXT,
    summary TEXT NOT NULL,
    summary_json TEXT,
    created_at TEXT,
    received_at TEXT NOT NULL
  );
  CREATE INDEX day_summaries_by_uid ON day_summaries (uid, seq);

  CREATE TABLE button_events (
    uid TEXT NOT NULL,
    event_id TEXT NOT NULL,
    button_event TEXT NOT NULL,
    device_id TEXT,
    timestamp TEXT,
    session_id TEXT,
    received_at TEXT NOT NULL,
    PRIMARY KEY (uid, event_id)
  ) WITHOUT ROWID;
  `,
  // Full-text search over conversation titles, overviews and transcript text.
  // conversation_search_keys gives each conversation the integer rowid that
  // FTS5 needs. The triggers remove search entries whenever a conversation or
  // its key row is deleted, and src/storage/search.ts writes the entries.
  `
  CREATE TABLE conversation_search_keys (
    rowid INTEGER PRIMARY KEY,
    uid TEXT NOT NULL,
    memory_id TEXT NOT NULL,
    UNIQUE (uid, memory_id)
  );
  CREATE VIRTUAL TABLE conversation_search USING fts5 (
    title, overview, transcript,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER conversation_search_keys_deleted AFTER DELETE ON conversation_search_keys BEGIN
    DELETE FROM conversation_search WHERE rowid = old.rowid;
  END;
  CREATE TRIGGER memories_deleted AFTER DELETE ON memories BEGIN
    DELETE FROM conversation_search_keys WHERE uid = old.uid AND memory_id = old.id;
  END;
  INSERT INTO conversation_search_keys (uid, memory_id) SELECT uid, id FROM memories;
  INSERT INTO conversation_search (rowid, title, overview, transcript)
    SELECT keys.rowid, memories.title, memories.overview,
      (SELECT group_concat(text, ' ') FROM
        (SELECT text FROM conversation_segments
          WHERE conversation_segments.uid = keys.uid AND conversation_segments.memory_id = keys.memory_id
          ORDER BY position))
    FROM conversation_search_keys AS keys
    JOIN memories ON memories.uid = keys.uid AND memories.id = keys.memory_id;
  `,
  // Audio moves to append-only files under DATA_DIR/audio. New rows point at
  // their bytes with (file, file_offset, byte_length) and keep an empty pcm.
  `
  ALTER TABLE audio_chunks ADD COLUMN file TEXT;
  ALTER TABLE audio_chunks ADD COLUMN file_offset INTEGER;
  CREATE INDEX audio_chunks_by_file ON audio_chunks (file) WHERE file IS NOT NULL;
  `,
  // A day summary is unique by its summary_json.id per uid. Older copies of
  // one summary are dropped, keeping the last one received.
  `
  DELETE FROM day_summaries WHERE summary_id IS NOT NULL AND seq NOT IN
    (SELECT max(seq) FROM day_summaries WHERE summary_id IS NOT NULL GROUP BY uid, summary_id);
  CREATE UNIQUE INDEX day_summaries_by_summary_id ON day_summaries (uid, summary_id) WHERE summary_id IS NOT NULL;
  `,
  // Conversations and live segments become rowid tables with a unique index
  // on their old primary key. Their rows contain whole JSON bodies, and a
  // WITHOUT ROWID table keeps whole rows in key order, so inserts split and
  // rewrote several large pages. A rowid table appends the row, and only the
  // small index entry goes in key order.
  `
  CREATE TABLE memories_by_rowid (
    uid TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    title TEXT,
    overview TEXT,
    emoji TEXT,
    category TEXT,
    source TEXT,
    language TEXT,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  INSERT INTO memories_by_rowid SELECT * FROM memories ORDER BY received_at;
  DROP TABLE memories;
  ALTER TABLE memories_by_rowid RENAME TO memories;
  CREATE UNIQUE INDEX memories_by_id ON memories (uid, id);
  CREATE INDEX memories_by_created_at ON memories (uid, created_at);
  CREATE TRIGGER memories_deleted AFTER DELETE ON memories BEGIN
    DELETE FROM conversation_search_keys WHERE uid = old.uid AND memory_id = old.id;
  END;

  CREATE TABLE live_segments_by_rowid (
    uid TEXT NOT NULL,
    session_id TEXT NOT NULL,
    segment_id TEXT NOT NULL,
    text TEXT NOT NULL,
    speaker TEXT,
    speaker_id INTEGER,
    is_user INTEGER,
    start REAL NOT NULL,
    end REAL NOT NULL,
    confidence REAL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  INSERT INTO live_segments_by_rowid SELECT * FROM live_segments ORDER BY received_at;
  DROP TABLE live_segments;
  ALTER TABLE live_segments_by_rowid RENAME TO live_segments;
  CREATE UNIQUE INDEX live_segments_by_id ON live_segments (uid, session_id, segment_id);
  CREATE INDEX live_segments_by_received_at ON live_segments (uid, received_at);
  `,
  // The search table becomes contentless: it keeps only its index. Nothing
  // read the copy of each title, overview and transcript that it stored.
  `
  DROP TABLE conversation_search;
  CREATE VIRTUAL TABLE conversation_search USING fts5 (
    title, overview, transcript,
    tokenize = 'unicode61 remove_diacritics 2',
    content = '', contentless_delete = 1
  );
  INSERT INTO conversation_search (rowid, title, overview, transcript)
    SELECT keys.rowid, memories.title, memories.overview,
      (SELECT group_concat(text, ' ') FROM
        (SELECT text FROM conversation_segments
          WHERE conversation_segments.uid = keys.uid AND conversation_segments.memory_id = keys.memory_id
          ORDER BY position))
    FROM conversation_search_keys AS keys
    JOIN memories ON memories.uid = keys.uid AND memories.id = keys.memory_id;
  `,
  // The search table gets an owner column: one token, the hex of the uid.
  // A search then matches only the user's own entries inside FTS5, and
  // bm25 scores those alone, instead of every user's matches being scored
  // and then filtered by uid.
  `
  DROP TABLE conversation_search;
  CREATE VIRTUAL TABLE conversation_search USING fts5 (
    title, overview, transcript, owner,
    tokenize = 'unicode61 remove_diacritics 2',
    content = '', contentless_delete = 1
  );
  INSERT INTO conversation_search (rowid, title, overview, transcript, owner)
    SELECT keys.rowid, memories.title, memories.overview,
      (SELECT group_concat(text, ' ') FROM
        (SELECT text FROM conversation_segments
          WHERE conversation_segments.uid = keys.uid AND conversation_segments.memory_id = keys.memory_id
          ORDER BY position)),
      hex(keys.uid)
    FROM conversation_search_keys AS keys
    JOIN memories ON memories.uid = keys.uid AND memories.id = keys.memory_id;
  `
]
