using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sequences.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AbAutoWinner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "auto_winner",
                table: "sequence_steps",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "winner",
                table: "sequence_steps",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "auto_winner",
                table: "sequence_steps");

            migrationBuilder.DropColumn(
                name: "winner",
                table: "sequence_steps");
        }
    }
}
