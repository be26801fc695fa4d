"""Exchange screens (trao đổi dữ liệu): export, import with preview, conflicts, offices."""
