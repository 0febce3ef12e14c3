DROP TABLE article_tag;
DROP TABLE tag;
DROP TABLE comment;
DROP TABLE article;
DROP TABLE person;
