DROP INDEX article_tag_tag_id;
DROP INDEX comment_author_id;
DROP INDEX comment_article_id;
DROP INDEX article_author_id;
