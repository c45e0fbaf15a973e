using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sequences.Infrastructure.Persistence.Migrations.Postgres
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
                type: "timestamp with time zone",
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
