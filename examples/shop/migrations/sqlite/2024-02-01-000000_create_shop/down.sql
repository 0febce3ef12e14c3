DROP TABLE order_product;
DROP TABLE "order";
DROP TABLE product;
DROP TABLE customer;
