-- Blog schema for SQLite. Dates and timestamps are stored as text by Diesel.
CREATE TABLE person (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    age INTEGER,
    birthday DATE,
    created_at TIMESTAMP
);

CREATE TABLE article (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT,
    rating DOUBLE,
    published_at TIMESTAMP,
    author_id INTEGER REFERENCES person (id)
);

CREATE TABLE comment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    content TEXT NOT NULL,
    article_id INTEGER REFERENCES article (id),
    author_id INTEGER REFERENCES person (id)
);

CREATE TABLE tag (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE article_tag (
    article_id INTEGER NOT NULL REFERENCES article (id),
    tag_id INTEGER NOT NULL REFERENCES tag (id),
    PRIMARY KEY (article_id, tag_id)
);
