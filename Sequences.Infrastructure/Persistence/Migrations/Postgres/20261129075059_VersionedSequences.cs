using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Sequences.Infrastructure.Persistence;

#nullable disable

namespace Sequences.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class VersionedSequences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "draft_version",
                table: "sequences",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "source_step_id",
                table: "sequence_steps",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "sequence_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    published_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    published_by = table.Column<Guid>(type: "uuid", nullable: true),
                    leads_moved = table.Column<int>(type: "integer", nullable: false),
                    leads_draining = table.Column<int>(type: "integer", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sequence_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_sequence_versions_sequences_sequence_id",
                        column: x => x.sequence_id,
                        principalTable: "sequences",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sequence_versions_sequence_id_version",
                table: "sequence_versions",
                columns: new[] { "sequence_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sequence_versions_tenant_id",
                table: "sequence_versions",
                column: "tenant_id");

            // Defence in depth, like every tenant table (the initial migration covers the first ones).
            migrationBuilder.Sql(RowLevelSecurity.EnableSql(RowLevelSecurity.VersionTables));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(RowLevelSecurity.DisableSql(RowLevelSecurity.VersionTables));
            migrationBuilder.DropTable(
                name: "sequence_versions");

            migrationBuilder.DropColumn(
                name: "draft_version",
                table: "sequences");

            migrationBuilder.DropColumn(
                name: "source_step_id",
                table: "sequence_steps");
        }
    }
}
