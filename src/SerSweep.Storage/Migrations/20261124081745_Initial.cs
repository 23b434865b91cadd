using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SerSweep.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SiloSnapshots",
                columns: table => new
                {
                    Address = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Role = table.Column<string>(type: "TEXT", nullable: false),
                    Slots = table.Column<int>(type: "INTEGER", nullable: false),
                    ThreadsPerTrial = table.Column<int>(type: "INTEGER", nullable: false),
                    RunningTrials = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    CpuPercent = table.Column<double>(type: "REAL", nullable: true),
                    MemoryBytes = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiloSnapshots", x => x.Address);
                });

            migrationBuilder.CreateTable(
                name: "Sweeps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    YamlText = table.Column<string>(type: "TEXT", nullable: false),
                    SourcePath = table.Column<string>(type: "TEXT", nullable: true),
                    Seed = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Method = table.Column<string>(type: "TEXT", nullable: false),
                    ObjectiveMetric = table.Column<string>(type: "TEXT", nullable: false),
                    Maximize = table.Column<bool>(type: "INTEGER", nullable: false),
                    MaxTrials = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxConcurrent = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    StrategyState = table.Column<string>(type: "TEXT", nullable: true),
                    PrunerState = table.Column<string>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sweeps", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Trials",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SweepId = table.Column<long>(type: "INTEGER", nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    ParametersJson = table.Column<string>(type: "TEXT", nullable: false),
                    Seed = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CurrentAttempt = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaseExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Silo = table.Column<string>(type: "TEXT", nullable: true),
                    FailureClass = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    FailureMessage = table.Column<string>(type: "TEXT", nullable: true),
                    StopReason = table.Column<string>(type: "TEXT", nullable: true),
                    ObjectiveValue = table.Column<double>(type: "REAL", nullable: true),
                    LastEpoch = table.Column<int>(type: "INTEGER", nullable: false),
                    CheckpointPath = table.Column<string>(type: "TEXT", nullable: true),
                    CheckpointEpoch = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Trials", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Trials_Sweeps_SweepId",
                        column: x => x.SweepId,
                        principalTable: "Sweeps",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Artifacts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TrialId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Path = table.Column<string>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Artifacts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Artifacts_Trials_TrialId",
                        column: x => x.TrialId,
                        principalTable: "Trials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EpochMetrics",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TrialId = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    Epoch = table.Column<int>(type: "INTEGER", nullable: false),
                    TrainLoss = table.Column<double>(type: "REAL", nullable: false),
                    TrainAccuracy = table.Column<double>(type: "REAL", nullable: false),
                    ValLoss = table.Column<double>(type: "REAL", nullable: false),
                    ValAccuracy = table.Column<double>(type: "REAL", nullable: false),
                    ValMacroF1 = table.Column<double>(type: "REAL", nullable: false),
                    ValUar = table.Column<double>(type: "REAL", nullable: false),
                    LearningRate = table.Column<double>(type: "REAL", nullable: false),
                    Seconds = table.Column<double>(type: "REAL", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EpochMetrics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EpochMetrics_Trials_TrialId",
                        column: x => x.TrialId,
                        principalTable: "Trials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrialAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TrialId = table.Column<long>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Silo = table.Column<string>(type: "TEXT", nullable: false),
                    ResumedFromEpoch = table.Column<int>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    FailureClass = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    FailureMessage = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrialAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TrialAttempts_Trials_TrialId",
                        column: x => x.TrialId,
                        principalTable: "Trials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrialResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TrialId = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Epochs = table.Column<int>(type: "INTEGER", nullable: false),
                    BestEpoch = table.Column<int>(type: "INTEGER", nullable: false),
                    ValLoss = table.Column<double>(type: "REAL", nullable: true),
                    ValAccuracy = table.Column<double>(type: "REAL", nullable: true),
                    ValMacroF1 = table.Column<double>(type: "REAL", nullable: true),
                    ValUar = table.Column<double>(type: "REAL", nullable: true),
                    TestLoss = table.Column<double>(type: "REAL", nullable: true),
                    TestAccuracy = table.Column<double>(type: "REAL", nullable: true),
                    TestMacroF1 = table.Column<double>(type: "REAL", nullable: true),
                    TestUar = table.Column<double>(type: "REAL", nullable: true),
                    PerClassJson = table.Column<string>(type: "TEXT", nullable: true),
                    PerActorJson = table.Column<string>(type: "TEXT", nullable: true),
                    ConfusionJson = table.Column<string>(type: "TEXT", nullable: true),
                    DurationSeconds = table.Column<double>(type: "REAL", nullable: false),
                    CommittedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrialResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TrialResults_Trials_TrialId",
                        column: x => x.TrialId,
                        principalTable: "Trials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Artifacts_TrialId_Kind",
                table: "Artifacts",
                columns: new[] { "TrialId", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EpochMetrics_TrialId_Epoch",
                table: "EpochMetrics",
                columns: new[] { "TrialId", "Epoch" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Sweeps_Name_Version",
                table: "Sweeps",
                columns: new[] { "Name", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Sweeps_Status",
                table: "Sweeps",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_TrialAttempts_TrialId_Number",
                table: "TrialAttempts",
                columns: new[] { "TrialId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TrialResults_TestAccuracy",
                table: "TrialResults",
                column: "TestAccuracy");

            migrationBuilder.CreateIndex(
                name: "IX_TrialResults_TrialId",
                table: "TrialResults",
                column: "TrialId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TrialResults_ValAccuracy",
                table: "TrialResults",
                column: "ValAccuracy");

            migrationBuilder.CreateIndex(
                name: "IX_TrialResults_ValMacroF1",
                table: "TrialResults",
                column: "ValMacroF1");

            migrationBuilder.CreateIndex(
                name: "IX_Trials_SweepId_FinishedAt",
                table: "Trials",
                columns: new[] { "SweepId", "FinishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Trials_SweepId_Index",
                table: "Trials",
                columns: new[] { "SweepId", "Index" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Trials_SweepId_ObjectiveValue",
                table: "Trials",
                columns: new[] { "SweepId", "ObjectiveValue" });

            migrationBuilder.CreateIndex(
                name: "IX_Trials_SweepId_Status_ObjectiveValue",
                table: "Trials",
                columns: new[] { "SweepId", "Status", "ObjectiveValue" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Artifacts");

            migrationBuilder.DropTable(
                name: "EpochMetrics");

            migrationBuilder.DropTable(
                name: "SiloSnapshots");

            migrationBuilder.DropTable(
                name: "TrialAttempts");

            migrationBuilder.DropTable(
                name: "TrialResults");

            migrationBuilder.DropTable(
                name: "Trials");

            migrationBuilder.DropTable(
                name: "Sweeps");
        }
    }
}
