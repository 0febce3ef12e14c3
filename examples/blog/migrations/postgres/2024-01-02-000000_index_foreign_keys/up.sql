-- Every foreign-key column and the join table's second key column get an index: linkage,
-- includes and relationship filters look rows up by them. (MariaDB's InnoDB indexes
-- foreign-key columns itself.)
CREATE INDEX article_author_id ON article (author_id);
CREATE INDEX comment_article_id ON comment (article_id);
CREATE INDEX comment_author_id ON comment (author_id);
CREATE INDEX article_tag_tag_id ON article_tag (tag_id);
