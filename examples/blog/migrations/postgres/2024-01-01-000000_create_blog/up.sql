-- Blog schema for PostgreSQL.
CREATE TABLE person (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    age INTEGER,
    birthday DATE,
    created_at TIMESTAMP
);

CREATE TABLE article (
    id SERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT,
    rating DOUBLE PRECISION,
    published_at TIMESTAMP,
    author_id INTEGER REFERENCES person (id)
);

CREATE TABLE comment (
    id SERIAL PRIMARY KEY,
    content TEXT NOT NULL,
    article_id INTEGER REFERENCES article (id),
    author_id INTEGER REFERENCES person (id)
);

CREATE TABLE tag (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE article_tag (
    article_id INTEGER NOT NULL REFERENCES article (id),
    tag_id INTEGER NOT NULL REFERENCES tag (id),
    PRIMARY KEY (article_id, tag_id)
);
