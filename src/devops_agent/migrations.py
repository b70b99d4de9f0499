"""The history database's schema, as named, append-only migrations.

Never edit or reorder a migration that has shipped: add a new one. ``apply`` runs the missing ones
in order, each in its own transaction, and records its name in ``_migrations``. A test applies
every prefix of this list and then the rest, and checks the result equals a fresh database.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_runs_and_findings",
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            repo TEXT,
            branch TEXT,
            commit_sha TEXT,
            user TEXT,
            started TEXT NOT NULL,
            ended TEXT,
            exit_code INTEGER,
            status TEXT
        );
        CREATE INDEX runs_repo_started ON runs(repo, started);
        CREATE TABLE log_sources (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            name TEXT,
            sha256 TEXT,
            dialect TEXT,
            size INTEGER,
            lines INTEGER
        );
        CREATE INDEX log_sources_sha ON log_sources(sha256);
        CREATE TABLE findings (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            rank INTEGER NOT NULL,
            rule TEXT NOT NULL,
            category TEXT,
            severity TEXT,
            title TEXT,
            fingerprint TEXT,
            file TEXT,
            line INTEGER,
            confidence REAL,
            evidence TEXT,
            evidence_text TEXT,
            root_cause TEXT,
            suggestion TEXT,
            step TEXT,
            command TEXT,
            flaky TEXT,
            culprit TEXT,
            created TEXT NOT NULL
        );
        CREATE INDEX findings_run ON findings(run_id);
        CREATE INDEX findings_fingerprint ON findings(fingerprint);
        """,
    ),
    (
        "002_findings_fts",
        """
        CREATE VIRTUAL TABLE findings_fts USING fts5(
            title, evidence_text, root_cause, file,
            content='findings', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER findings_ai AFTER INSERT ON findings BEGIN
            INSERT INTO findings_fts(rowid, title, evidence_text, root_cause, file)
            VALUES (new.id, new.title, new.evidence_text, new.root_cause, new.file);
        END;
        CREATE TRIGGER findings_ad AFTER DELETE ON findings BEGIN
            INSERT INTO findings_fts(findings_fts, rowid, title, evidence_text, root_cause, file)
            VALUES ('delete', old.id, old.title, old.evidence_text, old.root_cause, old.file);
        END;
        CREATE TRIGGER findings_au AFTER UPDATE ON findings BEGIN
            INSERT INTO findings_fts(findings_fts, rowid, title, evidence_text, root_cause, file)
            VALUES ('delete', old.id, old.title, old.evidence_text, old.root_cause, old.file);
            INSERT INTO findings_fts(rowid, title, evidence_text, root_cause, file)
            VALUES (new.id, new.title, new.evidence_text, new.root_cause, new.file);
        END;
        INSERT INTO findings_fts(findings_fts) VALUES ('rebuild');
        """,
    ),
    (
        "003_fixes_validations_outcomes",
        """
        CREATE TABLE fixes (
            id INTEGER PRIMARY KEY,
            run_id INTEGER REFERENCES runs(id),
            finding_id INTEGER REFERENCES findings(id),
            fixer TEXT,
            safety TEXT,
            patch TEXT,
            branch TEXT,
            commit_sha TEXT,
            status TEXT,
            details TEXT,
            created TEXT NOT NULL
        );
        CREATE INDEX fixes_run ON fixes(run_id);
        CREATE TABLE validations (
            id INTEGER PRIMARY KEY,
            fix_id INTEGER REFERENCES fixes(id),
            command TEXT,
            exit_code INTEGER,
            duration_s REAL,
            output_tail TEXT,
            created TEXT NOT NULL
        );
        CREATE TABLE outcomes (
            id INTEGER PRIMARY KEY,
            fix_id INTEGER REFERENCES fixes(id),
            finding_id INTEGER REFERENCES findings(id),
            kind TEXT NOT NULL,
            note TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX outcomes_finding ON outcomes(finding_id);
        """,
    ),
    (
        "004_llm_calls_and_prs",
        """
        CREATE TABLE llm_calls (
            id INTEGER PRIMARY KEY,
            run_id INTEGER,
            model TEXT,
            purpose TEXT,
            prompt TEXT,
            response TEXT,
            tokens_in INTEGER,
            tokens_out INTEGER,
            cost_usd REAL,
            latency_ms INTEGER,
            cached INTEGER,
            error TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX llm_calls_at ON llm_calls(at);
        CREATE TABLE prs (
            id INTEGER PRIMARY KEY,
            platform TEXT,
            repo TEXT,
            branch TEXT,
            url TEXT,
            number INTEGER,
            existed INTEGER,
            at TEXT NOT NULL
        );
        """,
    ),
    (
        "005_audit_chain",
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            details TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TABLE audit_head (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            count INTEGER NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only');
        END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
            SELECT RAISE(ABORT, 'the audit log is append-only');
        END;
        """,
    ),
    (
        "006_pushes",
        """
        CREATE TABLE pushes (
            id INTEGER PRIMARY KEY,
            repo TEXT,
            range TEXT,
            head TEXT,
            risk REAL,
            verdict TEXT,
            features TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX pushes_repo ON pushes(repo, at);
        """,
    ),
]


def applied(conn: sqlite3.Connection) -> set[str]:
    conn.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    return {row[0] for row in conn.execute("SELECT name FROM _migrations")}


def apply(conn: sqlite3.Connection, upto: int | None = None) -> list[str]:
    """Apply the missing migrations (the first ``upto`` only, for tests); return their names."""
    done = applied(conn)
    ran = []
    for name, sql in MIGRATIONS[:upto]:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if name not in applied(conn):  # another process may have applied it meanwhile
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute("INSERT INTO _migrations VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", (name,))
                ran.append(name)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return ran


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (``sqlite3.complete_statement`` keeps triggers whole)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
