using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sequences.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Engagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "links",
                table: "outbound_messages",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "imap_last_error",
                table: "mailboxes",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "imap_last_polled_at",
                table: "mailboxes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "imap_last_uid",
                table: "mailboxes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "imap_security",
                table: "mailboxes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "imap_uid_validity",
                table: "mailboxes",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "links",
                table: "outbound_messages");

            migrationBuilder.DropColumn(
                name: "imap_last_error",
                table: "mailboxes");

            migrationBuilder.DropColumn(
                name: "imap_last_polled_at",
                table: "mailboxes");

            migrationBuilder.DropColumn(
                name: "imap_last_uid",
                table: "mailboxes");

            migrationBuilder.DropColumn(
                name: "imap_security",
                table: "mailboxes");

            migrationBuilder.DropColumn(
                name: "imap_uid_validity",
                table: "mailboxes");
        }
    }
}
