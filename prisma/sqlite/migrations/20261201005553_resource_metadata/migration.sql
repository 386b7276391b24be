-- CreateTable
CREATE TABLE "resource_metadata" (
    "kind" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "custom_url" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT NOT NULL DEFAULT '[]',
    "notes" TEXT NOT NULL DEFAULT '[]',
    "last_known_name" TEXT,
    "last_known_type" TEXT,
    "commands_enabled" BOOLEAN,
    "custom_display_name" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL,

    PRIMARY KEY ("kind", "resource_id")
);
