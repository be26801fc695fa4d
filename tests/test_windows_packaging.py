"""The Windows build files say what issue 26 asks: read the workflow, the Inno Setup
script, its Vietnamese messages and the PyInstaller spec (they only run on Windows)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "windows-build.yml"
ISS = ROOT / "installer" / "kcdesk.iss"
ISL = ROOT / "installer" / "Languages" / "Vietnamese.isl"
SPEC = ROOT / "installer.spec"

# Every [Messages] key of Default.isl in Inno Setup 6.4.3 (the version the workflow
# pins): a missing key shows English in the middle of the Vietnamese wizard.
INNO_643_MESSAGES = """
SetupAppTitle SetupWindowTitle UninstallAppTitle UninstallAppFullTitle InformationTitle
ConfirmTitle ErrorTitle SetupLdrStartupMessage LdrCannotCreateTemp LdrCannotExecTemp
HelpTextNote LastErrorMessage SetupFileMissing SetupFileCorrupt
SetupFileCorruptOrWrongVer InvalidParameter SetupAlreadyRunning
WindowsVersionNotSupported WindowsServicePackRequired NotOnThisPlatform
OnlyOnThisPlatform OnlyOnTheseArchitectures WinVersionTooLowError WinVersionTooHighError
AdminPrivilegesRequired PowerUserPrivilegesRequired SetupAppRunningError
UninstallAppRunningError PrivilegesRequiredOverrideTitle
PrivilegesRequiredOverrideInstruction PrivilegesRequiredOverrideText1
PrivilegesRequiredOverrideText2 PrivilegesRequiredOverrideAllUsers
PrivilegesRequiredOverrideAllUsersRecommended PrivilegesRequiredOverrideCurrentUser
PrivilegesRequiredOverrideCurrentUserRecommended ErrorCreatingDir ErrorTooManyFilesInDir
ExitSetupTitle ExitSetupMessage AboutSetupMenuItem AboutSetupTitle AboutSetupMessage
AboutSetupNote TranslatorNote ButtonBack ButtonNext ButtonInstall ButtonOK ButtonCancel
ButtonYes ButtonYesToAll ButtonNo ButtonNoToAll ButtonFinish ButtonBrowse
ButtonWizardBrowse ButtonNewFolder SelectLanguageTitle SelectLanguageLabel ClickNext
BeveledLabel BrowseDialogTitle BrowseDialogLabel NewFolderName WelcomeLabel1
WelcomeLabel2 WizardPassword PasswordLabel1 PasswordLabel3 PasswordEditLabel
IncorrectPassword WizardLicense LicenseLabel LicenseLabel3 LicenseAccepted
LicenseNotAccepted WizardInfoBefore InfoBeforeLabel InfoBeforeClickLabel WizardInfoAfter
InfoAfterLabel InfoAfterClickLabel WizardUserInfo UserInfoDesc UserInfoName UserInfoOrg
UserInfoSerial UserInfoNameRequired WizardSelectDir SelectDirDesc SelectDirLabel3
SelectDirBrowseLabel DiskSpaceGBLabel DiskSpaceMBLabel CannotInstallToNetworkDrive
CannotInstallToUNCPath InvalidPath InvalidDrive DiskSpaceWarningTitle DiskSpaceWarning
DirNameTooLong InvalidDirName BadDirName32 DirExistsTitle DirExists DirDoesntExistTitle
DirDoesntExist WizardSelectComponents SelectComponentsDesc SelectComponentsLabel2
FullInstallation CompactInstallation CustomInstallation NoUninstallWarningTitle
NoUninstallWarning ComponentSize1 ComponentSize2 ComponentsDiskSpaceGBLabel
ComponentsDiskSpaceMBLabel WizardSelectTasks SelectTasksDesc SelectTasksLabel2
WizardSelectProgramGroup SelectStartMenuFolderDesc SelectStartMenuFolderLabel3
SelectStartMenuFolderBrowseLabel MustEnterGroupName GroupNameTooLong InvalidGroupName
BadGroupName NoProgramGroupCheck2 WizardReady ReadyLabel1 ReadyLabel2a ReadyLabel2b
ReadyMemoUserInfo ReadyMemoDir ReadyMemoType ReadyMemoComponents ReadyMemoGroup
ReadyMemoTasks DownloadingLabel ButtonStopDownload StopDownload ErrorDownloadAborted
ErrorDownloadFailed ErrorDownloadSizeFailed ErrorFileHash1 ErrorFileHash2 ErrorProgress
ErrorFileSize ExtractionLabel ButtonStopExtraction StopExtraction ErrorExtractionAborted
ErrorExtractionFailed WizardPreparing PreparingDesc PreviousInstallNotCompleted
CannotContinue ApplicationsFound ApplicationsFound2 CloseApplications
DontCloseApplications ErrorCloseApplications PrepareToInstallNeedsRestart
WizardInstalling InstallingLabel FinishedHeadingLabel FinishedLabelNoIcons FinishedLabel
ClickFinish FinishedRestartLabel FinishedRestartMessage ShowReadmeCheck YesRadio NoRadio
RunEntryExec RunEntryShellExec ChangeDiskTitle SelectDiskLabel2 PathLabel FileNotInDir2
SelectDirectoryLabel SetupAborted AbortRetryIgnoreSelectAction AbortRetryIgnoreRetry
AbortRetryIgnoreIgnore AbortRetryIgnoreCancel StatusClosingApplications StatusCreateDirs
StatusExtractFiles StatusCreateIcons StatusCreateIniEntries StatusCreateRegistryEntries
StatusRegisterFiles StatusSavingUninstall StatusRunProgram StatusRestartingApplications
StatusRollback ErrorInternal2 ErrorFunctionFailedNoCode ErrorFunctionFailed
ErrorFunctionFailedWithMessage ErrorExecutingProgram ErrorRegOpenKey ErrorRegCreateKey
ErrorRegWriteKey ErrorIniEntry FileAbortRetryIgnoreSkipNotRecommended
FileAbortRetryIgnoreIgnoreNotRecommended SourceIsCorrupted SourceDoesntExist
ExistingFileReadOnly2 ExistingFileReadOnlyRetry ExistingFileReadOnlyKeepExisting
ErrorReadingExistingDest FileExistsSelectAction FileExists2 FileExistsOverwriteExisting
FileExistsKeepExisting FileExistsOverwriteOrKeepAll ExistingFileNewerSelectAction
ExistingFileNewer2 ExistingFileNewerOverwriteExisting ExistingFileNewerKeepExisting
ExistingFileNewerOverwriteOrKeepAll ErrorChangingAttr ErrorCreatingTemp
ErrorReadingSource ErrorCopying ErrorReplacingExistingFile ErrorRestartReplace
ErrorRenamingTemp ErrorRegisterServer ErrorRegSvr32Failed ErrorRegisterTypeLib
UninstallDisplayNameMark UninstallDisplayNameMarks UninstallDisplayNameMark32Bit
UninstallDisplayNameMark64Bit UninstallDisplayNameMarkAllUsers
UninstallDisplayNameMarkCurrentUser ErrorOpeningReadme ErrorRestartingComputer
UninstallNotFound UninstallOpenError UninstallUnsupportedVer UninstallUnknownEntry
ConfirmUninstall UninstallOnlyOnWin64 OnlyAdminCanUninstall UninstallStatusLabel
UninstalledAll UninstalledMost UninstalledAndNeedsRestart UninstallDataCorrupted
ConfirmDeleteSharedFileTitle ConfirmDeleteSharedFile2 SharedFileNameLabel
SharedFileLocationLabel WizardUninstalling StatusUninstalling
ShutdownBlockReasonInstallingApp ShutdownBlockReasonUninstallingApp
""".split()  # noqa: SIM905 (names only, as Default.isl lists them)


def _section(text: str, name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            current = line
            continue
        if current == f"[{name}]" and "=" in line and not line.startswith(";"):
            key, value = line.split("=", 1)
            assert key not in out, f"{key} twice"
            out[key] = value
    return out


def test_vietnamese_messages_file_is_complete_utf8_with_bom() -> None:
    raw = ISL.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Inno Setup 6 reads UTF-8 with a BOM
    text = raw.decode("utf-8-sig")
    options = _section(text, "LangOptions")
    assert options["LanguageName"] == "Tiếng Việt"
    assert options["LanguageID"] == "$042A" and options["LanguageCodePage"] == "0"
    messages = _section(text, "Messages")
    assert len(INNO_643_MESSAGES) == 266
    assert sorted(messages) == sorted(INNO_643_MESSAGES)
    assert messages["ButtonNext"] == "&Tiếp >" and messages["ButtonCancel"] == "Hủy"
    # Placeholders survive the translation (%1 … and [name]); %n is a line break.
    for key in ("SetupWindowTitle", "DiskSpaceWarning", "ErrorFunctionFailedWithMessage"):
        assert re.findall(r"%\d", messages[key]), key
    assert "[name]" in messages["WelcomeLabel1"]
    custom = _section(text, "CustomMessages")
    assert {"CreateDesktopIcon", "AdditionalIcons", "LaunchProgram", "UninstallProgram"} <= set(
        custom
    )


def test_inno_setup_script() -> None:
    text = ISS.read_text(encoding="utf-8-sig")
    setup = _section(text, "Setup")
    assert setup["PrivilegesRequired"] == "lowest"
    assert "dialog" in setup["PrivilegesRequiredOverridesAllowed"]
    assert setup["DefaultDirName"].startswith("{autopf}")
    # The Vietnamese file ships beside the script, not from the compiler's folder.
    assert 'MessagesFile: "Languages\\Vietnamese.isl"' in text
    assert "compiler:Languages\\Vietnamese.isl" not in text
    assert (ISS.parent / "Languages" / "Vietnamese.isl").is_file()
    # Upgrades remove the old bundle's _internal first (stale migration scripts).
    assert re.search(
        r"\[InstallDelete\]\s*(;[^\n]*\n\s*)*Type: filesandordirs; Name: \"\{app\}\\_internal\"",
        text,
    )
    # Uninstall keeps the user's data: nothing deletes %LOCALAPPDATA%\kcdesk.
    assert "[UninstallDelete]" not in re.sub(r";[^\n]*", "", text)
    assert "localappdata" not in re.sub(r";[^\n]*", "", text).lower()
    assert "SignTool=kcdesksign" in text and "#ifdef SignInstaller" in text


def test_spec_sets_utf8_mode_for_both_executables() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert 'python_options = [("X utf8", None, "OPTION")]' in text
    exes = re.findall(r"EXE\(\s*pyz,\s*a\.scripts,\s*(\w+),", text)
    assert exes == ["python_options", "python_options"]
    assert 'name="kcdesk-cli"' in text and "console=True" in text


def test_workflow() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert 'INNO_SETUP_VERSION: "6.4.3"' in text
    assert "choco install innosetup --version $env:INNO_SETUP_VERSION" in text
    assert "Inno Setup 6_is1" in text  # ISCC found through the registry, not one path
    assert text.count("pyinstaller --noconfirm") == 1  # builds once
    assert "KCDESK_CONSOLE" not in text
    assert "kcdesk-cli.exe self-test > selftest.log" in text  # redirected: UTF-8 matters
    assert "KCDESK_EXIT_AFTER_SHOW" in text and "main window shown" in text
    assert "python -m pytest" in text and "runs-on: windows-2022" in text
    assert "secrets.WINDOWS_SIGNING_CERT" in text
    assert "Signing skipped: no certificate" in text
    assert "dist\\kcdesk\\kcdesk.exe dist\\kcdesk\\kcdesk-cli.exe" in text  # both signed
    assert "/Skcdesksign=" in text  # and the installer, through Inno's SignTool


def test_app_logs_the_line_the_workflow_waits_for() -> None:
    assert 'log.info("main window shown")' in (ROOT / "kcdesk" / "app.py").read_text(
        encoding="utf-8"
    )


def test_spec_bundles_the_data_files_libraries_read() -> None:
    """The commune list (vietnam_provinces JSON) and python-docx's template are data files:
    without them the frozen app cannot pick a commune or write a Word copy."""
    spec = SPEC.read_text(encoding="utf-8")
    assert "collect_data_files" in spec
    for package in ("vietnam_provinces", "docx", "pyhanko"):
        assert f'"{package}"' in spec, package
