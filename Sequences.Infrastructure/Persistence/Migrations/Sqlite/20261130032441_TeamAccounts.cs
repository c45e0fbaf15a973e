using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sequences.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TeamAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "deactivated_at",
                table: "users",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "deactivated_at",
                table: "users");
        }
    }
}
