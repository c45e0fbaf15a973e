using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sequences.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SameThreadSteps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "same_thread",
                table: "sequence_steps",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "same_thread",
                table: "sequence_steps");
        }
    }
}
