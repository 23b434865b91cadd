using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SerSweep.Storage.Migrations
{
    /// <inheritdoc />
    public partial class TrialSearchRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchJson",
                table: "Trials",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SearchJson",
                table: "Trials");
        }
    }
}
