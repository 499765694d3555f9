-- 007_actions.sql -- more actions: a task may also publish to an AMQP
-- broker ('amqp') or send mail through the configured relay ('email').

ALTER TABLE tasks
  MODIFY COLUMN action ENUM('webhook', 'message', 'amqp', 'email') NOT NULL;
