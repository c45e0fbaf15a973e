using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sequences.Infrastructure.Persistence.Migrations.Postgres
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
                type: "jsonb",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "imap_last_error",
                table: "mailboxes",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "imap_last_polled_at",
                table: "mailboxes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "imap_last_uid",
                table: "mailboxes",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "imap_security",
                table: "mailboxes",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "imap_uid_validity",
                table: "mailboxes",
                type: "bigint",
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
