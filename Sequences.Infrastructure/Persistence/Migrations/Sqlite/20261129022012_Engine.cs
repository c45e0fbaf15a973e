using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Sequences.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Engine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
