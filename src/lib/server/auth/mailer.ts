/**
 * Outgoing email, through nodemailer. SMTP_URL (smtp://user:pass@host:587) and MAIL_FROM
 * configure it; without SMTP_URL, a development server prints each message to its log instead,
 * and a production server sends nothing (email sign-in is then unavailable).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { dev } from '$app/environment';
import { env } from '$env/dynamic/private';

export interface OutgoingMail {
	to: string;
	subject: string;
	text: string;
}

export interface Mailer {
	send(mail: OutgoingMail): Promise<void>;
}

/** A mailer over any nodemailer transport (SMTP in production, JSON in the specs). */
export function transportMailer(transport: Pick<Transporter, 'sendMail'>, from: string): Mailer {
	return {
		async send(mail) {
			await transport.sendMail({ from, ...mail });
		}
	};
}

/** Development without SMTP: the message, link included, goes to the server's log. */
export const logMailer: Mailer = {
	async send({ to, subject, text }) {
		console.info(
			`[mail] not sent (SMTP_URL is not set)\nTo: ${to}\nSubject: ${subject}\n\n${text}`
		);
	}
};

/** The mailer this server is configured with, or null when email cannot be sent. */
export function configuredMailer(origin: string): Mailer | null {
	const url = env.SMTP_URL?.trim();
	if (!url) return dev ? logMailer : null;
	// A transport holds only settings (no pool): making one per message costs nothing.
	const from = env.MAIL_FROM?.trim() || `Gather <no-reply@${new URL(origin).hostname}>`;
	return transportMailer(nodemailer.createTransport(url), from);
}
