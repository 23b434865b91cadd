using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SerSweep.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SweepResumes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ResumeJson",
                table: "Sweeps",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ResumeJson",
                table: "Sweeps");
        }
    }
}
