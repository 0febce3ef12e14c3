-- Shop schema for MariaDB: text keys hold the UUIDs, an ENUM column the order status. Text
-- columns hold what the other backends' TEXT holds, and the binary NO PAD collation compares
-- them as the other backends do.
CREATE TABLE customer (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email LONGTEXT NOT NULL UNIQUE,
    tier LONGTEXT NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
    settings JSON NULL,
    avatar LONGBLOB NULL,
    signed_up_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE product (
    id CHAR(36) NOT NULL PRIMARY KEY,
    name LONGTEXT NOT NULL,
    price DECIMAL(10, 2) NOT NULL,
    weight_grams INTEGER NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE `order` (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    status ENUM('open', 'paid', 'shipped') NOT NULL,
    placed_at DATETIME(6) NOT NULL,
    FOREIGN KEY (customer_id) REFERENCES customer (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE order_product (
    order_id INTEGER NOT NULL,
    product_id CHAR(36) NOT NULL,
    PRIMARY KEY (order_id, product_id),
    FOREIGN KEY (order_id) REFERENCES `order` (id),
    FOREIGN KEY (product_id) REFERENCES product (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
