<?php
/*
 * Completes a WordPress installation without a browser and activates plugins: what
 * wp-admin/install.php and the Plugins screen would do. Shipped by do-converge's wordpress role.
 *
 *   php wordpress-install.php WORDPRESS_ROOT < settings.json
 *
 * settings.json (on stdin, so the admin password never appears in a process list):
 *   {"url": "...", "title": "...", "admin_user": "...", "admin_email": "...",
 *    "admin_password": "...", "plugins": [{"name": "dir", "file": "dir/main.php" (optional)}]}
 *
 * Installs only when the database holds no installation (is_blog_installed()), sets the admin's
 * password only when the stored hash does not verify the given one (a rotated secret), activates
 * only plugins not active yet, and ends with one line the role reads:
 *   dcv-wordpress-result: {"installed": bool, "password_set": bool, "activated": [...], "active": [...], "version": "..."}
 * Exit codes: 0 done, 2 bad settings, 3 WordPress stopped early (e.g. no database), 4 a plugin
 * could not be activated, 5 the admin user does not exist.
 */

if ( PHP_SAPI !== 'cli' ) {
	exit( 1 );
}

function dcv_fail( $code, $msg ) {
	fwrite( STDERR, "wordpress-install: $msg\n" );
	exit( $code );
}

$dcv_root     = isset( $argv[1] ) ? rtrim( $argv[1], '/' ) : '';
$dcv_settings = json_decode( stream_get_contents( STDIN ), true );
if ( '' === $dcv_root || ! is_file( "$dcv_root/wp-load.php" ) ) {
	dcv_fail( 2, "no WordPress at '$dcv_root' (usage: php wordpress-install.php WORDPRESS_ROOT < settings.json)" );
}
if ( ! is_array( $dcv_settings ) ) {
	dcv_fail( 2, 'expected a JSON object on stdin' );
}
foreach ( array( 'url', 'title', 'admin_user', 'admin_email', 'admin_password' ) as $dcv_key ) {
	if ( ! isset( $dcv_settings[ $dcv_key ] ) || ! is_string( $dcv_settings[ $dcv_key ] ) || '' === $dcv_settings[ $dcv_key ] ) {
		dcv_fail( 2, "setting '$dcv_key' is missing" );
	}
}
$dcv_plugins = isset( $dcv_settings['plugins'] ) && is_array( $dcv_settings['plugins'] ) ? $dcv_settings['plugins'] : array();

// WordPress builds URLs and cookies from the request; on a command line there is none, so the
// site URL stands in for it.
$dcv_url                    = parse_url( $dcv_settings['url'] );
$_SERVER['HTTP_HOST']       = $dcv_url['host'] . ( isset( $dcv_url['port'] ) ? ':' . $dcv_url['port'] : '' );
$_SERVER['SERVER_NAME']     = $dcv_url['host'];
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
if ( isset( $dcv_url['scheme'] ) && 'https' === $dcv_url['scheme'] ) {
	$_SERVER['HTTPS'] = 'on';
}

// As wp-admin/install.php: without it, loading an uninstalled site redirects to the installer.
define( 'WP_INSTALLING', true );

// Pluggable (upgrade.php defines it only if missing): no e-mail from a converge; the operator
// set the password and knows it.
function wp_new_blog_notification( $blog_title, $blog_url, $user_id, $password ) {
}

// WordPress ends with die() (exit code 0, HTML on stdout) when it cannot reach its database;
// the role must see a failure, so an early end exits 3.
$dcv_done = false;
register_shutdown_function(
	function () use ( &$dcv_done ) {
		if ( ! $dcv_done ) {
			fwrite( STDERR, "wordpress-install: WordPress stopped before the installation was checked (is the database reachable with wp-config.php's settings?)\n" );
			exit( 3 );
		}
	}
);

require "$dcv_root/wp-load.php";
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$dcv_installed = false;
if ( ! is_blog_installed() ) {
	// As wp-admin/install.php: WordPress hashes the slashed password, because the login form
	// and XML-RPC check the slashed form of what they receive.
	$dcv_result = wp_install( $dcv_settings['title'], $dcv_settings['admin_user'], $dcv_settings['admin_email'], true, '', wp_slash( $dcv_settings['admin_password'] ) );
	if ( ! is_array( $dcv_result ) || empty( $dcv_result['user_id'] ) ) {
		$dcv_done = true;
		dcv_fail( 3, 'wp_install() did not create the site' );
	}
	$dcv_installed = true;
}

// The password is the operator's secret: when it was rotated, the next converge applies it
// (wp_set_password also ends the user's sessions). Compared in the slashed form it was hashed in.
$dcv_password_set = false;
$dcv_admin        = get_user_by( 'login', $dcv_settings['admin_user'] );
if ( ! $dcv_admin ) {
	$dcv_done = true;
	dcv_fail( 5, "admin user '" . $dcv_settings['admin_user'] . "' does not exist (renamed or deleted in WordPress?)" );
}
if ( ! wp_check_password( wp_slash( $dcv_settings['admin_password'] ), $dcv_admin->user_pass, $dcv_admin->ID ) ) {
	wp_set_password( wp_slash( $dcv_settings['admin_password'] ), $dcv_admin->ID );
	$dcv_password_set = true;
}

$dcv_activated = array();
$dcv_active    = array();
foreach ( $dcv_plugins as $dcv_plugin ) {
	$dcv_name = isset( $dcv_plugin['name'] ) ? (string) $dcv_plugin['name'] : '';
	$dcv_file = isset( $dcv_plugin['file'] ) ? (string) $dcv_plugin['file'] : '';
	if ( '' === $dcv_file ) {
		// The plugin's main file is the one PHP file of its directory with a plugin header.
		$dcv_found = get_plugins( '/' . $dcv_name );
		if ( 1 !== count( $dcv_found ) ) {
			$dcv_done = true;
			dcv_fail( 4, sprintf( "plugin '%s': %d files with a plugin header in wp-content/plugins/%s; name the main one with 'file'", $dcv_name, count( $dcv_found ), $dcv_name ) );
		}
		$dcv_file = $dcv_name . '/' . array_key_first( $dcv_found );
	}
	if ( is_plugin_active( $dcv_file ) ) {
		$dcv_active[] = $dcv_file;
		continue;
	}
	$dcv_error = activate_plugin( $dcv_file );
	if ( is_wp_error( $dcv_error ) ) {
		$dcv_done = true;
		dcv_fail( 4, "plugin '$dcv_file': " . $dcv_error->get_error_message() );
	}
	$dcv_activated[] = $dcv_file;
}

$dcv_done = true;
echo 'dcv-wordpress-result: ' . json_encode(
	array(
		'installed'    => $dcv_installed,
		'password_set' => $dcv_password_set,
		'activated' => $dcv_activated,
		'active'    => $dcv_active,
		'version'   => $GLOBALS['wp_version'],
	)
) . "\n";
