-- Blog schema for MariaDB. Text columns hold what SQLite's and PostgreSQL's TEXT hold
-- (LONGTEXT; unique ones through MariaDB's hash index for long values), so the same request
-- gets the same answer on every backend. The binary NO PAD collation makes unique names
-- case-sensitive and keeps trailing spaces significant, as on the other backends.
-- DATETIME(6) keeps microseconds.
CREATE TABLE person (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name LONGTEXT NOT NULL UNIQUE,
    age INTEGER NULL,
    birthday DATE NULL,
    created_at DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE article (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    title LONGTEXT NOT NULL,
    body LONGTEXT NULL,
    rating DOUBLE NULL,
    published_at DATETIME(6) NULL,
    author_id INTEGER NULL,
    FOREIGN KEY (author_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE comment (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    content LONGTEXT NOT NULL,
    article_id INTEGER NULL,
    author_id INTEGER NULL,
    FOREIGN KEY (article_id) REFERENCES article (id),
    FOREIGN KEY (author_id) REFERENCES person (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE tag (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name LONGTEXT NOT NULL UNIQUE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE article_tag (
    article_id INTEGER NOT NULL,
    tag_id INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id),
    FOREIGN KEY (article_id) REFERENCES article (id),
    FOREIGN KEY (tag_id) REFERENCES tag (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
