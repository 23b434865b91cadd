using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SerSweep.Storage.Migrations
{
    /// <inheritdoc />
    public partial class CrossValidatedTrials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Trials_SweepId_Index",
                table: "Trials");

            migrationBuilder.AddColumn<int>(
                name: "Fold",
                table: "Trials",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "ObjectiveSd",
                table: "Trials",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ParentTrialId",
                table: "Trials",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Role",
                table: "Trials",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "Trial");

            migrationBuilder.CreateIndex(
                name: "IX_Trials_ParentTrialId_Role_Fold",
                table: "Trials",
                columns: new[] { "ParentTrialId", "Role", "Fold" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Trials_SweepId_Index",
                table: "Trials",
                columns: new[] { "SweepId", "Index" },
                unique: true,
                filter: "\"ParentTrialId\" IS NULL");

            migrationBuilder.AddForeignKey(
                name: "FK_Trials_Trials_ParentTrialId",
                table: "Trials",
                column: "ParentTrialId",
                principalTable: "Trials",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Trials_Trials_ParentTrialId",
                table: "Trials");

            migrationBuilder.DropIndex(
                name: "IX_Trials_ParentTrialId_Role_Fold",
                table: "Trials");

            migrationBuilder.DropIndex(
                name: "IX_Trials_SweepId_Index",
                table: "Trials");

            migrationBuilder.DropColumn(
                name: "Fold",
                table: "Trials");

            migrationBuilder.DropColumn(
                name: "ObjectiveSd",
                table: "Trials");

            migrationBuilder.DropColumn(
                name: "ParentTrialId",
                table: "Trials");

            migrationBuilder.DropColumn(
                name: "Role",
                table: "Trials");

            migrationBuilder.CreateIndex(
                name: "IX_Trials_SweepId_Index",
                table: "Trials",
                columns: new[] { "SweepId", "Index" },
                unique: true);
        }
    }
}
