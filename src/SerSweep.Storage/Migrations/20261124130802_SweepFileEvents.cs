using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SerSweep.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SweepFileEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SweepFileEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Path = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    Accepted = table.Column<bool>(type: "INTEGER", nullable: false),
                    SweepId = table.Column<long>(type: "INTEGER", nullable: true),
                    SweepName = table.Column<string>(type: "TEXT", nullable: true),
                    SweepVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    ErrorsJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SweepFileEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SweepFileEvents_Sweeps_SweepId",
                        column: x => x.SweepId,
                        principalTable: "Sweeps",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SweepFileEvents_Path_At",
                table: "SweepFileEvents",
                columns: new[] { "Path", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SweepFileEvents_SweepId",
                table: "SweepFileEvents",
                column: "SweepId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SweepFileEvents");
        }
    }
}
