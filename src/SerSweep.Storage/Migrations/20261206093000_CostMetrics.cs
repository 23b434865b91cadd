using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SerSweep.Storage.Migrations
{
    /// <inheritdoc />
    public partial class CostMetrics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "LatencyMs",
                table: "TrialResults",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ModelBytes",
                table: "TrialResults",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ParamCount",
                table: "TrialResults",
                type: "REAL",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LatencyMs",
                table: "TrialResults");

            migrationBuilder.DropColumn(
                name: "ModelBytes",
                table: "TrialResults");

            migrationBuilder.DropColumn(
                name: "ParamCount",
                table: "TrialResults");
        }
    }
}
